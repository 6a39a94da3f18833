SELECT [Products].category AS [Products.category], SUM([Transactions].net_amount) AS [Transactions.netSales]
FROM [fact_sales_transactions] AS [Transactions]
LEFT JOIN [dim_product] AS [Products] ON [Transactions].product_id = [Products].product_id
LEFT JOIN [dim_transaction_type] AS [TransactionTypes] ON [Transactions].transaction_type_id = [TransactionTypes].transaction_type_id
LEFT JOIN [dim_customer] AS [Customers] ON [Transactions].customer_id = [Customers].customer_id
WHERE ([TransactionTypes].code = 'SALE') AND ([Customers].customer_type = 'Modern Trade')
GROUP BY [Products].category
ORDER BY [Transactions.netSales] DESC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
