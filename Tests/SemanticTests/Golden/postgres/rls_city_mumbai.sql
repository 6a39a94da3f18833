SELECT "Products".brand AS "Products.brand", SUM("Transactions".net_amount) AS "Transactions.netSales"
FROM "fact_sales_transactions" AS "Transactions"
LEFT JOIN "dim_product" AS "Products" ON "Transactions".product_id = "Products".product_id
LEFT JOIN "dim_customer" AS "Customers" ON "Transactions".customer_id = "Customers".customer_id
WHERE "Customers".city = $1
GROUP BY "Products".brand
ORDER BY "Transactions.netSales" DESC
LIMIT 10000
-- bind: Mumbai
