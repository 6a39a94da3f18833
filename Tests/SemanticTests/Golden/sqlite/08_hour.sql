SELECT strftime('%Y-%m-%d %H:00:00', "Transactions".transaction_date) AS "Transactions.transactionDate.hour", COUNT(*) AS "Transactions.count"
FROM "fact_sales_transactions" AS "Transactions"
WHERE ("Transactions".transaction_date >= ? AND "Transactions".transaction_date < ?)
GROUP BY strftime('%Y-%m-%d %H:00:00', "Transactions".transaction_date)
ORDER BY "Transactions.transactionDate.hour" ASC
LIMIT 10000
-- bind: 2025-06-29
-- bind: 2025-06-30
