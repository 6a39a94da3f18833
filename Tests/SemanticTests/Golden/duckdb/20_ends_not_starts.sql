SELECT COUNT(*) AS "Products.count"
FROM "dim_product" AS "Products"
WHERE (LOWER("Products".product_name) LIKE LOWER('%' || ?) ESCAPE '\') AND (LOWER("Products".brand) NOT LIKE LOWER(? || '%') ESCAPE '\' OR "Products".brand IS NULL)
ORDER BY "Products.count" DESC
LIMIT 10000
-- bind: ml
-- bind: x
