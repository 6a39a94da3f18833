SELECT [Transactions].transaction_id AS [Transactions.transactionId], [Products].brand AS [Products.brand], [Transactions].net_amount AS [Transactions.netSales]
FROM [fact_sales_transactions] AS [Transactions]
LEFT JOIN [dim_product] AS [Products] ON [Transactions].product_id = [Products].product_id
ORDER BY [Transactions.transactionId] ASC
OFFSET 0 ROWS FETCH NEXT 20 ROWS ONLY
