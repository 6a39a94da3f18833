SELECT COALESCE("q0"."Customers.state", "q1"."Customers.state") AS "Customers.state", "q0"."Customers.count" AS "Customers.count", "q1"."Transactions.netSales" AS "Transactions.netSales"
FROM (
SELECT "Customers".state AS "Customers.state", COUNT(*) AS "Customers.count"
FROM "dim_customer" AS "Customers"
GROUP BY "Customers".state
) AS "q0"
FULL OUTER JOIN (
SELECT "Customers".state AS "Customers.state", SUM("Transactions".net_amount) AS "Transactions.netSales"
FROM "fact_sales_transactions" AS "Transactions"
LEFT JOIN "dim_customer" AS "Customers" ON "Transactions".customer_id = "Customers".customer_id
GROUP BY "Customers".state
) AS "q1" ON COALESCE("q0"."Customers.state", '') = COALESCE("q1"."Customers.state", '') AND CASE WHEN "q0"."Customers.state" IS NULL THEN 1 ELSE 0 END = CASE WHEN "q1"."Customers.state" IS NULL THEN 1 ELSE 0 END
ORDER BY "Customers.count" DESC
LIMIT 10000
