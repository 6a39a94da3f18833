SELECT COUNT(*) AS "Transactions.count"
FROM "fact_sales_transactions" AS "Transactions"
WHERE ("Transactions".transaction_date < ? OR "Transactions".transaction_date >= ?)
ORDER BY "Transactions.count" DESC
LIMIT 10000
-- bind: 2025-05-01
-- bind: 2025-06-01
