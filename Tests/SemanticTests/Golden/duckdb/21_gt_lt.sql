SELECT COUNT(*) AS "Transactions.count"
FROM "fact_sales_transactions" AS "Transactions"
WHERE "Transactions".unit_price > ? AND "Transactions".unit_price <= ?
ORDER BY "Transactions.count" DESC
LIMIT 10000
-- bind: 10
-- bind: 100.5
