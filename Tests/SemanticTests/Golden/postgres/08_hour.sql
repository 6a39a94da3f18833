SELECT date_trunc('hour', "Transactions".transaction_date) AS "Transactions.transactionDate.hour", COUNT(*) AS "Transactions.count"
FROM "fact_sales_transactions" AS "Transactions"
WHERE ("Transactions".transaction_date >= $1 AND "Transactions".transaction_date < $2)
GROUP BY date_trunc('hour', "Transactions".transaction_date)
ORDER BY "Transactions.transactionDate.hour" ASC
LIMIT 10000
-- bind: 2025-06-29
-- bind: 2025-06-30
