SELECT "Customers".state AS "Customers.state", SUM("Transactions".net_amount) AS "Transactions.netSales"
FROM "fact_sales_transactions" AS "Transactions"
LEFT JOIN "dim_customer" AS "Customers" ON "Transactions".customer_id = "Customers".customer_id
WHERE "Customers".zone = ?
GROUP BY "Customers".state
ORDER BY "Transactions.netSales" DESC
LIMIT 10000
-- bind: North
