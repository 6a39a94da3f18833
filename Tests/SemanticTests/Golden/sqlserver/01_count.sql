SELECT COUNT(*) AS [Transactions.count]
FROM [fact_sales_transactions] AS [Transactions]
ORDER BY [Transactions.count] DESC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
