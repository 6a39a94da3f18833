SELECT "Customers".zone AS "Customers.zone", SUM(CASE WHEN ("TransactionTypes".code = 'SALE') THEN "Transactions".net_amount END) AS "Transactions.salesAmount", SUM(CASE WHEN ("TransactionTypes".code = 'RETURN') THEN -"Transactions".net_amount END) AS "Transactions.returnsAmount", (100.0 * SUM(CASE WHEN ("TransactionTypes".code = 'RETURN') THEN -"Transactions".net_amount END) / NULLIF(SUM(CASE WHEN ("TransactionTypes".code = 'SALE') THEN "Transactions".net_amount END), 0)) AS "Transactions.returnRate"
FROM "fact_sales_transactions" AS "Transactions"
LEFT JOIN "dim_customer" AS "Customers" ON "Transactions".customer_id = "Customers".customer_id
LEFT JOIN "dim_transaction_type" AS "TransactionTypes" ON "Transactions".transaction_type_id = "TransactionTypes".transaction_type_id
GROUP BY "Customers".zone
ORDER BY "Transactions.salesAmount" DESC
LIMIT 10000
