SELECT date_trunc('day', "Transactions".transaction_date) AS "Transactions.transactionDate.day", SUM("Transactions".quantity) AS "Transactions.totalQuantity"
FROM "fact_sales_transactions" AS "Transactions"
WHERE ("Transactions".transaction_date >= ? AND "Transactions".transaction_date < ?)
GROUP BY date_trunc('day', "Transactions".transaction_date)
ORDER BY "Transactions.transactionDate.day" ASC
LIMIT 10000
-- bind: 2025-06-01
-- bind: 2025-06-08
