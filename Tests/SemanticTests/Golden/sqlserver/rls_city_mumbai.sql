SELECT [Products].brand AS [Products.brand], SUM([Transactions].net_amount) AS [Transactions.netSales]
FROM [fact_sales_transactions] AS [Transactions]
LEFT JOIN [dim_product] AS [Products] ON [Transactions].product_id = [Products].product_id
LEFT JOIN [dim_customer] AS [Customers] ON [Transactions].customer_id = [Customers].customer_id
WHERE [Customers].city = @P1
GROUP BY [Products].brand
ORDER BY [Transactions.netSales] DESC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
-- bind: Mumbai
