SELECT "Accounts".account_type AS "Accounts.accountType", SUM("Transactions".net_amount) AS "Transactions.netSales"
FROM "fact_sales_transactions" AS "Transactions"
LEFT JOIN "dim_account" AS "Accounts" ON "Transactions".account_id = "Accounts".account_id
GROUP BY "Accounts".account_type
ORDER BY "Transactions.netSales" DESC
LIMIT 10000
