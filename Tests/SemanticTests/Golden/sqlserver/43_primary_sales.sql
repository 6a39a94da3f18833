SELECT [Accounts].zone AS [Accounts.zone], DATEADD(month, DATEDIFF(month, 0, [PrimarySales].invoice_date), CAST(0 AS DATETIME)) AS [PrimarySales.invoiceDate.month], COUNT(*) AS [PrimarySales.count]
FROM [fact_primary_sales] AS [PrimarySales]
LEFT JOIN [dim_account] AS [Accounts] ON [PrimarySales].account_id = [Accounts].account_id
WHERE ([PrimarySales].invoice_date >= @P1 AND [PrimarySales].invoice_date < @P2)
GROUP BY [Accounts].zone, DATEADD(month, DATEDIFF(month, 0, [PrimarySales].invoice_date), CAST(0 AS DATETIME))
ORDER BY [PrimarySales.invoiceDate.month] ASC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
-- bind: 2025-01-01
-- bind: 2026-01-01
