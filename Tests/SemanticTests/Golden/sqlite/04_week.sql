SELECT datetime("Transactions".transaction_date, 'start of day', '-' || ((CAST(strftime('%w', "Transactions".transaction_date) AS INTEGER) + 6) % 7) || ' days') AS "Transactions.transactionDate.week", COUNT(*) AS "Transactions.count"
FROM "fact_sales_transactions" AS "Transactions"
WHERE ("Transactions".transaction_date >= ? AND "Transactions".transaction_date < ?)
GROUP BY datetime("Transactions".transaction_date, 'start of day', '-' || ((CAST(strftime('%w', "Transactions".transaction_date) AS INTEGER) + 6) % 7) || ' days')
ORDER BY "Transactions.transactionDate.week" ASC
LIMIT 10000
-- bind: 2025-05-01
-- bind: 2025-06-01
