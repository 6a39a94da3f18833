SELECT datetime("Transactions".transaction_date, 'start of day') AS "Transactions.transactionDate.day", SUM("Transactions".net_amount) AS "Transactions.netSales"
FROM "fact_sales_transactions" AS "Transactions"
WHERE ("Transactions".transaction_date >= ? AND "Transactions".transaction_date < ?)
GROUP BY datetime("Transactions".transaction_date, 'start of day')
ORDER BY "Transactions.transactionDate.day" ASC
LIMIT 10000
-- bind: 2025-05-01
-- bind: 2025-06-01
