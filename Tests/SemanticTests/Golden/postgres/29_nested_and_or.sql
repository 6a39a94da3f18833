SELECT "Customers".zone AS "Customers.zone", SUM("Transactions".net_amount) AS "Transactions.netSales"
FROM "fact_sales_transactions" AS "Transactions"
LEFT JOIN "dim_customer" AS "Customers" ON "Transactions".customer_id = "Customers".customer_id
WHERE ("Customers".zone = $1 OR ("Customers".zone = $2 AND "Customers".customer_type = $3))
GROUP BY "Customers".zone
ORDER BY "Transactions.netSales" DESC
LIMIT 10000
-- bind: North
-- bind: South
-- bind: General Trade
