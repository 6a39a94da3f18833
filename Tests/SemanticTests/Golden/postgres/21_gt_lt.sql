SELECT COUNT(*) AS "Transactions.count"
FROM "fact_sales_transactions" AS "Transactions"
WHERE "Transactions".unit_price > $1 AND "Transactions".unit_price <= $2
ORDER BY "Transactions.count" DESC
LIMIT 10000
-- bind: 10
-- bind: 100.5
