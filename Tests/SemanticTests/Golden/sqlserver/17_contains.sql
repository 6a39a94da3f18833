SELECT [Products].category AS [Products.category], COUNT(*) AS [Transactions.count]
FROM [fact_sales_transactions] AS [Transactions]
LEFT JOIN [dim_product] AS [Products] ON [Transactions].product_id = [Products].product_id
WHERE (LOWER([Products].category) LIKE LOWER('%' + @P1 + '%') ESCAPE '\')
GROUP BY [Products].category
ORDER BY [Transactions.count] DESC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
-- bind: biscuit
