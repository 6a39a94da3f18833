SELECT "Products".brand AS "Products.brand", date_trunc('month', "Transactions".transaction_date) AS "Transactions.transactionDate.month", SUM("Transactions".net_amount) AS "Transactions.netSales"
FROM "fact_sales_transactions" AS "Transactions"
LEFT JOIN "dim_product" AS "Products" ON "Transactions".product_id = "Products".product_id
WHERE ("Transactions".transaction_date >= $1 AND "Transactions".transaction_date < $2)
GROUP BY "Products".brand, date_trunc('month', "Transactions".transaction_date)
ORDER BY "Transactions.netSales" DESC
LIMIT 5
-- bind: 2025-03-01
-- bind: 2025-06-01
