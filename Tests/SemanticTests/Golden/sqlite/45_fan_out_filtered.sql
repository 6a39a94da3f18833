SELECT COALESCE("q0"."Customers.zone", "q1"."Customers.zone") AS "Customers.zone", "q0"."Transactions.netSales" AS "Transactions.netSales", "q1"."Customers.count" AS "Customers.count"
FROM (
SELECT "Customers".zone AS "Customers.zone", SUM("Transactions".net_amount) AS "Transactions.netSales"
FROM "fact_sales_transactions" AS "Transactions"
LEFT JOIN "dim_customer" AS "Customers" ON "Transactions".customer_id = "Customers".customer_id
WHERE "Customers".customer_type = ?
GROUP BY "Customers".zone
) AS "q0"
FULL OUTER JOIN (
SELECT "Customers".zone AS "Customers.zone", COUNT(*) AS "Customers.count"
FROM "dim_customer" AS "Customers"
WHERE "Customers".customer_type = ?
GROUP BY "Customers".zone
) AS "q1" ON COALESCE("q0"."Customers.zone", '') = COALESCE("q1"."Customers.zone", '') AND CASE WHEN "q0"."Customers.zone" IS NULL THEN 1 ELSE 0 END = CASE WHEN "q1"."Customers.zone" IS NULL THEN 1 ELSE 0 END
WHERE "q0"."Transactions.netSales" > ?
ORDER BY "Transactions.netSales" DESC
LIMIT 10000
-- bind: General Trade
-- bind: General Trade
-- bind: 0
