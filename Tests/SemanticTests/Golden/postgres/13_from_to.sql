SELECT COUNT(*) AS "Transactions.count"
FROM "fact_sales_transactions" AS "Transactions"
WHERE ("Transactions".transaction_date >= $1 AND "Transactions".transaction_date < $2)
ORDER BY "Transactions.count" DESC
LIMIT 10000
-- bind: 2025-04-01
-- bind: 2025-05-01
