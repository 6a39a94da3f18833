SELECT COUNT(*) AS "Products.count"
FROM "dim_product" AS "Products"
WHERE (LOWER("Products".product_name) NOT LIKE LOWER('%' || ? || '%') ESCAPE '\' OR "Products".product_name IS NULL)
ORDER BY "Products.count" DESC
LIMIT 10000
-- bind: a
