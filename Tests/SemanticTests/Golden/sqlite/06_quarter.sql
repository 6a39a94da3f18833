SELECT datetime("Transactions".transaction_date, 'start of month', '-' || ((CAST(strftime('%m', "Transactions".transaction_date) AS INTEGER) - 1) % 3) || ' months') AS "Transactions.transactionDate.quarter", SUM("Transactions".gross_amount) AS "Transactions.grossSales"
FROM "fact_sales_transactions" AS "Transactions"
GROUP BY datetime("Transactions".transaction_date, 'start of month', '-' || ((CAST(strftime('%m', "Transactions".transaction_date) AS INTEGER) - 1) % 3) || ' months')
ORDER BY "Transactions.transactionDate.quarter" ASC
LIMIT 10000
