-- Retail outlets, cleaned: one row per outlet_id (the latest export wins), codes
-- upper(trim()), names trim(), channel in the mart spelling ('General Trade',
-- 'Modern Trade', 'Wholesale', 'HoReCa', 'E-commerce'), zone in title case.
with ranked as (
    select
        src.*,
        row_number() over (partition by outlet_id order by exported_at desc) as rn
    from {{ source('raw', 'raw_outlets') }} as src
)
select
    CAST(outlet_id AS INTEGER) as outlet_id,
    upper(trim(outlet_code)) as outlet_code,
    trim(outlet_name) as outlet_name,
    case lower(trim(channel))
        when 'general trade' then 'General Trade'
        when 'modern trade' then 'Modern Trade'
        when 'wholesale' then 'Wholesale'
        when 'horeca' then 'HoReCa'
        when 'e-commerce' then 'E-commerce'
        else trim(channel)
    end as channel,
    trim(city) as city,
    trim(state) as state,
    case lower(trim(zone))
        when 'north' then 'North'
        when 'south' then 'South'
        when 'east' then 'East'
        when 'west' then 'West'
        when 'central' then 'Central'
        else trim(zone)
    end as zone,
    upper(trim(dist_code)) as dist_code,
    CAST(onboarded_on AS DATE) as onboarded_on,
    exported_at
from ranked
where rn = 1
