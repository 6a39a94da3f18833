SELECT "Customers".zone AS "Customers.zone", "Products".category AS "Products.category", SUM("Transactions".net_amount) AS "Transactions.netSales", COUNT(*) AS "Transactions.count"
FROM "fact_sales_transactions" AS "Transactions"
LEFT JOIN "dim_customer" AS "Customers" ON "Transactions".customer_id = "Customers".customer_id
LEFT JOIN "dim_product" AS "Products" ON "Transactions".product_id = "Products".product_id
GROUP BY "Customers".zone, "Products".category
ORDER BY "Customers.zone" ASC, "Transactions.count" DESC
LIMIT 10000
