SELECT COUNT(*) AS "Transactions.count"
FROM "fact_sales_transactions" AS "Transactions"
ORDER BY "Transactions.count" DESC
LIMIT 10000
