SELECT SUM("Transactions".net_amount) AS "sales_overview.netSales"
FROM "fact_sales_transactions" AS "Transactions"
ORDER BY "sales_overview.netSales" DESC
LIMIT 10000
