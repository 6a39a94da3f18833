SELECT "Accounts".zone AS "Accounts.zone", datetime("PrimarySales".invoice_date, 'start of month') AS "PrimarySales.invoiceDate.month", COUNT(*) AS "PrimarySales.count"
FROM "fact_primary_sales" AS "PrimarySales"
LEFT JOIN "dim_account" AS "Accounts" ON "PrimarySales".account_id = "Accounts".account_id
WHERE ("PrimarySales".invoice_date >= ? AND "PrimarySales".invoice_date < ?)
GROUP BY "Accounts".zone, datetime("PrimarySales".invoice_date, 'start of month')
ORDER BY "PrimarySales.invoiceDate.month" ASC
LIMIT 10000
-- bind: 2025-01-01
-- bind: 2026-01-01
