SELECT [Accounts].zone AS [Accounts.zone], COUNT(DISTINCT [Transactions].customer_id) AS [Transactions.uniqueCustomers], COUNT(DISTINCT [Transactions].product_id) AS [Transactions.uniqueProducts]
FROM [fact_sales_transactions] AS [Transactions]
LEFT JOIN [dim_account] AS [Accounts] ON [Transactions].account_id = [Accounts].account_id
GROUP BY [Accounts].zone
ORDER BY [Transactions.uniqueCustomers] DESC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
