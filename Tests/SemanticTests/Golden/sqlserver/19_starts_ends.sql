SELECT COUNT(*) AS [Products.count]
FROM [dim_product] AS [Products]
WHERE (LOWER([Products].sku) LIKE LOWER(@P1 + '%') ESCAPE '\') AND (LOWER([Products].product_name) NOT LIKE LOWER('%' + @P2) ESCAPE '\' OR [Products].product_name IS NULL)
ORDER BY [Products.count] DESC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
-- bind: S
-- bind: g
