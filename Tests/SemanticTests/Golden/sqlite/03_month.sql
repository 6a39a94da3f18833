SELECT datetime("Transactions".transaction_date, 'start of month') AS "Transactions.transactionDate.month", SUM("Transactions".net_amount) AS "Transactions.netSales"
FROM "fact_sales_transactions" AS "Transactions"
GROUP BY datetime("Transactions".transaction_date, 'start of month')
ORDER BY "Transactions.transactionDate.month" ASC
LIMIT 10000
