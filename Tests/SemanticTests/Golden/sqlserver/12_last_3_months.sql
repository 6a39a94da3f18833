SELECT [Products].brand AS [Products.brand], DATEADD(month, DATEDIFF(month, 0, [Transactions].transaction_date), CAST(0 AS DATETIME)) AS [Transactions.transactionDate.month], SUM([Transactions].net_amount) AS [Transactions.netSales]
FROM [fact_sales_transactions] AS [Transactions]
LEFT JOIN [dim_product] AS [Products] ON [Transactions].product_id = [Products].product_id
WHERE ([Transactions].transaction_date >= @P1 AND [Transactions].transaction_date < @P2)
GROUP BY [Products].brand, DATEADD(month, DATEDIFF(month, 0, [Transactions].transaction_date), CAST(0 AS DATETIME))
ORDER BY [Transactions.netSales] DESC
OFFSET 0 ROWS FETCH NEXT 5 ROWS ONLY
-- bind: 2025-03-01
-- bind: 2025-06-01
