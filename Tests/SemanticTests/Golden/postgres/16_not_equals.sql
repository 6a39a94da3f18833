SELECT "Customers".zone AS "Customers.zone", COUNT(*) AS "Transactions.count"
FROM "fact_sales_transactions" AS "Transactions"
LEFT JOIN "dim_customer" AS "Customers" ON "Transactions".customer_id = "Customers".customer_id
WHERE ("Customers".zone <> $1 OR "Customers".zone IS NULL)
GROUP BY "Customers".zone
ORDER BY "Transactions.count" DESC
LIMIT 10000
-- bind: North
