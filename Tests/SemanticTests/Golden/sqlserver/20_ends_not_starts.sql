SELECT COUNT(*) AS [Products.count]
FROM [dim_product] AS [Products]
WHERE (LOWER([Products].product_name) LIKE LOWER('%' + @P1) ESCAPE '\') AND (LOWER([Products].brand) NOT LIKE LOWER(@P2 + '%') ESCAPE '\' OR [Products].brand IS NULL)
ORDER BY [Products.count] DESC
OFFSET 0 ROWS FETCH NEXT 10000 ROWS ONLY
-- bind: ml
-- bind: x
