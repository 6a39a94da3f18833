SELECT date_trunc('month', "Transactions".transaction_date) AS "Transactions.transactionDate.month", SUM("Transactions".net_amount) AS "Transactions.netSales"
FROM "fact_sales_transactions" AS "Transactions"
GROUP BY date_trunc('month', "Transactions".transaction_date)
ORDER BY "Transactions.transactionDate.month" ASC
LIMIT 10000
