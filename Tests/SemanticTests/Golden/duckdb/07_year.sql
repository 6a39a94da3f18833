SELECT date_trunc('year', "Transactions".transaction_date) AS "Transactions.transactionDate.year", SUM("Transactions".gross_amount) AS "Transactions.grossSales"
FROM "fact_sales_transactions" AS "Transactions"
GROUP BY date_trunc('year', "Transactions".transaction_date)
ORDER BY "Transactions.transactionDate.year" ASC
LIMIT 10000
