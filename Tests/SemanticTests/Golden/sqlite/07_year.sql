SELECT datetime("Transactions".transaction_date, 'start of year') AS "Transactions.transactionDate.year", SUM("Transactions".gross_amount) AS "Transactions.grossSales"
FROM "fact_sales_transactions" AS "Transactions"
GROUP BY datetime("Transactions".transaction_date, 'start of year')
ORDER BY "Transactions.transactionDate.year" ASC
LIMIT 10000
