SELECT "Products".brand AS "Products.brand", SUM("Transactions".net_amount) AS "Transactions.netSales"
FROM "fact_sales_transactions" AS "Transactions"
LEFT JOIN "dim_product" AS "Products" ON "Transactions".product_id = "Products".product_id
GROUP BY "Products".brand
HAVING SUM("Transactions".net_amount) > $1
ORDER BY "Transactions.netSales" DESC
LIMIT 10000
-- bind: 0
