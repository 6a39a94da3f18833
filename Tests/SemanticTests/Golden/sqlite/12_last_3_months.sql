SELECT "Products".brand AS "Products.brand", datetime("Transactions".transaction_date, 'start of month') AS "Transactions.transactionDate.month", SUM("Transactions".net_amount) AS "Transactions.netSales"
FROM "fact_sales_transactions" AS "Transactions"
LEFT JOIN "dim_product" AS "Products" ON "Transactions".product_id = "Products".product_id
WHERE ("Transactions".transaction_date >= ? AND "Transactions".transaction_date < ?)
GROUP BY "Products".brand, datetime("Transactions".transaction_date, 'start of month')
ORDER BY "Transactions.netSales" DESC
LIMIT 5
-- bind: 2025-03-01
-- bind: 2025-06-01
