SELECT SUM([Transactions].net_amount) AS [sales_overview.netSales]
FROM [fact_sales_transactions] AS [Transactions]
ORDER BY [sales_overview.netSales] DESC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
