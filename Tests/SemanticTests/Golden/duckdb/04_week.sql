SELECT date_trunc('week', "Transactions".transaction_date) AS "Transactions.transactionDate.week", COUNT(*) AS "Transactions.count"
FROM "fact_sales_transactions" AS "Transactions"
WHERE ("Transactions".transaction_date >= ? AND "Transactions".transaction_date < ?)
GROUP BY date_trunc('week', "Transactions".transaction_date)
ORDER BY "Transactions.transactionDate.week" ASC
LIMIT 10000
-- bind: 2025-05-01
-- bind: 2025-06-01
