SELECT date_trunc('quarter', "Transactions".transaction_date) AS "Transactions.transactionDate.quarter", SUM("Transactions".gross_amount) AS "Transactions.grossSales"
FROM "fact_sales_transactions" AS "Transactions"
GROUP BY date_trunc('quarter', "Transactions".transaction_date)
ORDER BY "Transactions.transactionDate.quarter" ASC
LIMIT 10000
