SELECT [Products].brand AS [Products.brand], [Products].category AS [Products.category]
FROM [dim_product] AS [Products]
GROUP BY [Products].brand, [Products].category
ORDER BY [Products.brand] ASC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
