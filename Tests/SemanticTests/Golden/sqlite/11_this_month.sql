SELECT SUM("Transactions".net_amount) AS "Transactions.netSales"
FROM "fact_sales_transactions" AS "Transactions"
WHERE ("Transactions".transaction_date >= ? AND "Transactions".transaction_date < ?)
ORDER BY "Transactions.netSales" DESC
LIMIT 10000
-- bind: 2025-06-01
-- bind: 2025-07-01
