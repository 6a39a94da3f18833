-- Product catalogue, cleaned: one row per product_id (the latest export wins), codes
-- upper(trim()), names trim(), unit of measure upper case, status lower case.
with ranked as (
    select
        src.*,
        row_number() over (partition by product_id order by exported_at desc) as rn
    from {{ source('raw', 'raw_products') }} as src
)
select
    CAST(product_id AS INTEGER) as product_id,
    upper(trim(sku)) as sku,
    trim(product_name) as product_name,
    trim(brand) as brand,
    trim(category) as category,
    trim(sub_category) as sub_category,
    CAST(mrp AS DECIMAL(12, 2)) as mrp,
    CAST(unit_weight_kg AS DECIMAL(10, 3)) as unit_weight_kg,
    CAST(unit_volume_l AS DECIMAL(10, 3)) as unit_volume_l,
    upper(trim(uom)) as uom,
    CAST(launch_date AS DATE) as launch_date,
    lower(trim(status)) as status,
    exported_at
from ranked
where rn = 1
