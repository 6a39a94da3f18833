SELECT (SUM([Transactions].net_amount) / NULLIF(COUNT(*), 0)) AS [Transactions.averageOrderValue], (SUM([Transactions].net_amount) / NULLIF(SUM([Transactions].quantity), 0)) AS [Transactions.averageSellingPrice], (100.0 * SUM([Transactions].discount_amount) / NULLIF(SUM([Transactions].gross_amount), 0)) AS [Transactions.discountRate]
FROM [fact_sales_transactions] AS [Transactions]
ORDER BY [Transactions.averageOrderValue] DESC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
