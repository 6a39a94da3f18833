/// Words for the names of outlets, distributors and people, some per zone so that a
/// Chennai kirana does not sound like a Ludhiana one.
enum NamePools {
    static let firstNames = [
        "Rahul", "Amit", "Priya", "Sneha", "Vikram", "Anjali", "Rohan", "Neha", "Karthik", "Divya", "Arjun", "Pooja",
        "Suresh", "Kavita", "Manoj", "Deepa", "Sanjay", "Ritu", "Ajay", "Meera", "Nikhil", "Swati", "Rajesh", "Lakshmi",
        "Abhishek", "Shreya", "Vivek", "Anita", "Sandeep", "Geeta", "Harish", "Nandini", "Prakash", "Sunita", "Gaurav",
        "Pallavi", "Ravi", "Aarti", "Kiran", "Shweta", "Imran", "Farah", "Joseph", "Mary", "Gurpreet", "Harpreet",
    ]

    /// Surnames by zone, in ``Geography/zones`` order.
    static let surnames: [[String]] = [
        ["Sharma", "Verma", "Gupta", "Singh", "Chauhan", "Yadav", "Mishra", "Tiwari", "Agarwal", "Malhotra", "Kapoor", "Khanna", "Bansal", "Sethi"],
        ["Patil", "Deshmukh", "Kulkarni", "Joshi", "Shah", "Patel", "Mehta", "Desai", "Jadhav", "Pawar", "Shinde", "Naik", "Parekh", "Gaikwad"],
        ["Iyer", "Nair", "Reddy", "Rao", "Naidu", "Menon", "Pillai", "Krishnan", "Subramanian", "Gowda", "Hegde", "Shetty", "Raju", "Varma"],
        ["Das", "Banerjee", "Chatterjee", "Mukherjee", "Ghosh", "Bose", "Sen", "Roy", "Mohanty", "Patnaik", "Sinha", "Jha", "Kumar", "Barua"],
        ["Dubey", "Shukla", "Pandey", "Chouhan", "Saxena", "Sahu", "Thakur", "Jain", "Rathore", "Soni", "Verma", "Tomar", "Sengar", "Patel"],
    ]

    /// Shop-name words by zone.
    static let shopWords: [[String]] = [
        ["Jai Mata Di", "Shiv Shakti", "Gupta", "Bansal", "Khurana", "Balaji", "Shri Ram", "Hanuman", "Agarwal", "Punjab"],
        ["Shree Ganesh", "Jai Bhavani", "Mahalaxmi", "Sai", "Swami Samarth", "Jalaram", "Ambika", "Vitthal", "Navkar", "Shreeji"],
        ["Sri Venkateswara", "Murugan", "Ayyappa", "Sri Lakshmi", "Annapoorna", "Sri Sai", "Vinayaka", "Saravana", "Sri Krishna", "Balaji"],
        ["Maa Tara", "Loknath", "Maa Kali", "Jagannath", "Maa Durga", "Annapurna", "Radha Krishna", "Bharat", "New Bengal", "Kamakhya"],
        ["Mahakal", "Narmada", "Shri Ram", "Jai Ambe", "Khandelwal", "Mahavir", "Shubham", "Gayatri", "Jain", "Bajrang"],
    ]

    static let commonShopWords = ["New Bharat", "Apna", "Janta", "Royal", "City", "Laxmi", "Om", "Krishna", "Gurukripa", "Mahavir", "Durga", "Vinayak", "Sagar", "Star"]

    static let kiranaSuffixes = [
        "Kirana Stores", "General Stores", "Provision Store", "Super Market", "Departmental Store", "Mini Mart", "Stores",
        "Kirana & General", "Family Mart", "Traders",
    ]
    static let modernTradeChains = [
        "DMart", "Reliance Smart", "More Supermarket", "Spencer's", "Star Bazaar", "Vishal Mega Mart", "Spar Hypermarket",
        "Ratnadeep", "Nilgiris", "Heritage Fresh", "Easyday", "Metro Wholesale",
    ]
    static let ecommerceOutlets = [
        "Amazon Seller Services", "Flipkart Wholesale", "BigBasket", "Blinkit Dark Store", "Zepto Dark Store",
        "Swiggy Instamart", "JioMart", "DMart Ready",
    ]
    static let horecaForms = ["Hotel", "Restaurant", "Caterers", "Canteen", "Cafe", "Dhaba", "Bhojanalaya", "Sweets & Snacks"]
    static let wholesaleSuffixes = ["Wholesale Traders", "& Sons Wholesale", "Trading Co.", "Wholesale Mart", "Commercial Agencies"]
    static let distributorSuffixes = ["Distributors", "Agencies", "Enterprises", "Marketing", "Trading Company", "Sales Corporation"]
    static let superStockistSuffixes = ["Super Stockist Pvt Ltd", "Logistics & Distribution Pvt Ltd", "Consumer Products LLP"]
    static let areas = [
        "Station Road", "MG Road", "Gandhi Nagar", "Nehru Nagar", "Shivaji Nagar", "Rajendra Nagar", "Main Bazaar",
        "Civil Lines", "Sector 14", "Old City", "Market Yard", "Ram Nagar", "Subhash Nagar", "Indira Colony", "Patel Nagar",
        "Lake Road", "Bus Stand", "College Road", "Housing Board", "New Colony",
    ]
}
