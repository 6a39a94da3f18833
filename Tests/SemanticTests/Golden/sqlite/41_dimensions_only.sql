SELECT "Products".brand AS "Products.brand", "Products".category AS "Products.category"
FROM "dim_product" AS "Products"
GROUP BY "Products".brand, "Products".category
ORDER BY "Products.brand" ASC
LIMIT 10000
