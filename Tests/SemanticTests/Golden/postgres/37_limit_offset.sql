SELECT "Customers".city AS "Customers.city", SUM("Transactions".net_amount) AS "Transactions.netSales"
FROM "fact_sales_transactions" AS "Transactions"
LEFT JOIN "dim_customer" AS "Customers" ON "Transactions".customer_id = "Customers".customer_id
GROUP BY "Customers".city
ORDER BY "Customers.city" ASC
LIMIT 10 OFFSET 5
