"""The values generated rows pick from: company and person names, titles, deal stages, campaign and program kinds,
web pages and forms, currencies (weighted lists repeat values)."""

ADJECTIVES = [
    "Apex", "Summit", "Northwind", "Blue", "Iron", "Silver", "Golden", "Bright", "Granite", "Cedar", "Harbor",
    "Pioneer", "Vertex", "Quantum", "Atlas", "Evergreen", "Crescent", "Polar", "Prairie", "Coastal", "Keystone",
    "Liberty", "Meridian", "Nova", "Orion", "Pacific", "Redwood", "Sterling", "Titan", "Union", "Vista", "Western",
    "Zenith", "Alpine", "Beacon", "Cobalt", "Delta", "Eagle", "Falcon", "Global", "Horizon", "Insight", "Juniper",
    "Lakeside", "Metro", "Noble", "Oak", "Pinnacle", "Riverside", "Sapphire", "Trident", "Valley", "Willow",
    "Townsend", "Globex", "Initech", "Hooli", "Stark", "Wayne", "Umbrella",
]
NOUNS = [
    "Dynamics", "Logistics", "Systems", "Foods", "Manufacturing", "Health", "Analytics", "Energy", "Materials",
    "Robotics", "Pharma", "Capital", "Textiles", "Motors", "Networks", "Labs", "Foundry", "Industries", "Partners",
    "Solutions", "Devices", "Brands", "Retail", "Freight", "Chemicals", "Aerospace", "Software", "Media",
    "Biotech", "Holdings", "Works", "Tools", "Instruments", "Packaging", "Components", "Outfitters", "Farms",
    "Supply", "Electric", "Marine", "Optics", "Plastics", "Steel", "Paper", "Apparel", "Medical", "Telecom",
]
INDUSTRIES = ["Manufacturing", "Retail", "Healthcare", "Financial Services", "Technology", "Energy", "Logistics",
              "Pharmaceuticals", "Consumer Goods", "Telecommunications", "Education", "Government"]
COUNTRIES = ["US"] * 10 + ["GB", "GB", "DE", "DE", "FR", "CA", "CA", "AU", "NL", "JP", "BR", "IN"]
TLDS = [".com"] * 8 + [".io", ".net", ".co"]
SALESFORCE_SUFFIXES = [" Inc.", " Inc.", " LLC", " Ltd", " Corp.", " Corporation", " GmbH", ""]
# Legal forms people append to a company name (account matching: name variants of a source account's record).
LEGAL_SUFFIXES = [" Inc", " Inc.", " Incorporated", " LLC", " Ltd", " GmbH", " SA", " Corp."]
# The same, after a comma ("Townsend, Inc.").
COMMA_SUFFIXES = [", Inc.", ", Inc", ", LLC", ", Ltd.", ", Corp."]
# Words a record adds after a company's name (a division or the group: "Summit Dynamics Holdings").
DIVISION_WORDS = ["Group", "Holdings", "International", "Americas", "Worldwide"]
# A country as some records spell it out instead of its code (account matching reads them as different values).
COUNTRY_NAMES = {"US": "United States", "CA": "Canada", "GB": "United Kingdom", "DE": "Germany", "FR": "France",
                 "AU": "Australia", "NL": "Netherlands", "JP": "Japan", "BR": "Brazil", "IN": "India"}
# Each country's calling code and the cities a company's headquarters are in (its phone and billing city).
CALLING_CODES = {"US": "1", "CA": "1", "GB": "44", "DE": "49", "FR": "33", "AU": "61", "NL": "31", "JP": "81",
                 "BR": "55", "IN": "91"}
CITIES = {
    "US": ["New York", "Chicago", "San Francisco", "Austin", "Boston", "Seattle", "Atlanta", "Denver", "Dallas",
           "Minneapolis", "Pittsburgh", "Portland", "San Diego", "Columbus", "Charlotte", "Springfield"],
    "CA": ["Toronto", "Montreal", "Vancouver", "Calgary", "Ottawa"],
    "GB": ["London", "Manchester", "Birmingham", "Leeds", "Edinburgh", "Bristol"],
    "DE": ["Berlin", "Munich", "Hamburg", "Frankfurt", "Stuttgart", "Cologne"],
    "FR": ["Paris", "Lyon", "Toulouse", "Lille"],
    "AU": ["Sydney", "Melbourne", "Brisbane", "Perth"],
    "NL": ["Amsterdam", "Rotterdam", "Eindhoven", "Utrecht"],
    "JP": ["Tokyo", "Osaka", "Nagoya", "Yokohama"],
    "BR": ["Sao Paulo", "Rio de Janeiro", "Curitiba"],
    "IN": ["Bengaluru", "Mumbai", "Pune", "Hyderabad"],
}
# Steward decisions (mdm.account_match_decision): who decided, and their notes.
STEWARDS = ["j.rivera", "a.chen", "m.okafor", "mdm-bulk-review"]
MATCH_NOTES = ["same company, confirmed by phone", "same domain", "duplicate from a trade show import", None, None]
NO_MATCH_NOTES = ["different company, same name", "different country", "not related", None, None]
FIRST_NAMES = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William",
    "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Daniel", "Lisa",
    "Matthew", "Nancy", "Anthony", "Betty", "Mark", "Sandra", "Paul", "Ashley", "Steven", "Emily", "Andrew", "Donna",
    "Joshua", "Michelle", "Kevin", "Carol", "Brian", "Amanda", "George", "Melissa", "Timothy", "Deborah", "Ronald",
    "Laura", "Jason", "Rebecca", "Ryan", "Sharon", "Jacob", "Cynthia", "Gary", "Kathleen", "Nicholas", "Amy",
    "Eric", "Angela", "Jonathan", "Anna", "Stephen", "Ruth", "Larry", "Brenda", "Justin", "Pamela", "Scott",
    "Nicole", "Brandon", "Katherine", "Priya", "Wei", "Yuki", "Lars", "Ingrid", "Mateo", "Sofia", "Amara", "Omar",
    "Chen", "Fatima",
]
LAST_NAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee",
    "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
    "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker",
    "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Patel", "Kim", "Chen", "Mueller", "Schmidt",
    "Rossi", "Dubois", "Tanaka", "Sato", "Johansson", "Novak", "Kowalski", "Silva", "Okafor", "Haddad", "Singh",
    "Murphy", "Kelly", "Cohen", "Berg",
]
TITLES = (["Chief Executive Officer", "Chief Financial Officer", "Chief Technology Officer", "Chief Operating Officer"]
          + ["VP Operations", "VP Sales", "VP Marketing", "VP Engineering", "VP Supply Chain"]
          + ["Director of IT", "Director of Procurement", "Director of Marketing", "Head of Supply Chain"] * 2
          + ["IT Manager", "Procurement Manager", "Operations Manager", "Marketing Manager", "Plant Manager",
             "Project Manager", "Account Manager", "Controller", "Buyer"] * 3
          + ["Software Engineer", "Data Analyst", "Business Analyst", "Marketing Specialist", "Engineer"] * 3)
FREE_MAIL_DOMAINS = ["gmail.com", "gmail.com", "gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com"]
PLACEHOLDER_EMAILS = ["test@test.com", "noemail@noemail.com", "none@none.com", "email@email.com"]
PLACEHOLDER_LOCAL_PARTS = ["noreply", "no-reply", "unknown", "noemail"]
ROLE_LOCAL_PARTS = ["info", "sales", "marketing", "support", "contact", "office", "hello"]
OTHER_ROLES = ["Economic Buyer", "Technical Buyer", "Evaluator", "Influencer", "Executive Sponsor", "Business User",
               "Other"]
OPEN_STAGES = ["Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
               "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review"]
DEAL_KINDS = ["Platform", "Expansion", "Renewal", "Pilot", "Add-on", "Services", "New Platform", "Analytics",
              "Support", "Rollout"]
TOPICS = ["Manufacturing", "Supply Chain", "Retail Analytics", "AI Readiness", "Data Platform", "Security",
          "Cloud Migration", "Customer 360", "Predictive Maintenance", "Sustainability", "Pricing Strategy",
          "New Platform"]
CAMPAIGN_TYPES = ["Webinar", "Trade Show", "Email", "Webinar", "Conference", "Direct Mail"]
CAMPAIGN_STATUSES = {  # member status picklist per campaign type; the first list element that responded wins
    "Webinar": ["Sent"] * 3 + ["Registered"] * 2 + ["Attended"] * 3 + ["No Show"] * 2,
    "Trade Show": ["Sent"] * 3 + ["Visited booth"] * 3 + ["Meeting"],
    "Email": ["Sent"] * 5 + ["Opened"] * 3 + ["Clicked"] * 2,
    "Conference": ["Invited"] * 3 + ["Registered"] * 2 + ["Attended"] * 3,
    "Direct Mail": ["Sent"] * 6 + ["Responded"] * 2,
}
RESPONDED_STATUSES = ["Attended", "Visited booth", "Meeting", "Clicked", "Responded"]
PROGRAM_STATUSES = {  # program channel -> (statuses, success status)
    "Webinar": (["Invited"] * 3 + ["Registered"] * 2 + ["Attended"] * 3 + ["No Show"] * 2, "Attended"),
    "Trade Show": (["Invited"] * 3 + ["Registered"] + ["Attended"] * 2, "Attended"),
    "Conference": (["Invited"] * 3 + ["Registered"] + ["Attended"] * 2, "Attended"),
    "Nurture": (["Member"] * 4 + ["Engaged"], "Engaged"),
    "Email Blast": (["Sent"] * 5 + ["Opened"] * 3 + ["Clicked"] * 2, "Clicked"),
    "Content": (["Member"] * 3 + ["Downloaded"] * 2, "Downloaded"),
    "Direct Mail": (["Sent"] * 6 + ["Responded"] * 2, "Responded"),
}
SITE = "https://www.bodea.com"
PAGES = (  # (path, page name, weight); /products/new... matches the segment's '%/products/new%'
    [("/", "Home", 14), ("/pricing", "Pricing", 8), ("/products/platform", "Platform", 8),
     ("/products/analytics", "Analytics", 6), ("/products/new-platform", "New Platform", 2),
     ("/products/new-platform/features", "New Platform Features", 1), ("/customers", "Customers", 5),
     ("/docs/getting-started", "Getting Started", 6), ("/docs/api", "API Reference", 4), ("/about", "About", 4),
     ("/careers", "Careers", 3), ("/contact", "Contact", 3), ("/webinars", "Webinars", 4),
     ("/resources/whitepapers", "Whitepapers", 4)]
    + [(f"/blog/{slug}", title, 3) for slug, title in [
        ("data-platform-checklist", "Blog: Data Platform Checklist"), ("supply-chain-ai", "Blog: Supply Chain AI"),
        ("customer-360-guide", "Blog: Customer 360 Guide"), ("pricing-strategy", "Blog: Pricing Strategy"),
        ("predictive-maintenance", "Blog: Predictive Maintenance"), ("security-basics", "Blog: Security Basics"),
        ("cloud-migration", "Blog: Cloud Migration"), ("sustainability-report", "Blog: Sustainability Report")]]
)
NEW_PRODUCT_PAGES = [("/products/new-platform", "New Platform"), ("/products/new-platform/pricing",
                     "New Platform Pricing"), ("/products/new-platform/demo-request", "New Platform Demo Request")]
FORMS = [("Demo Request", "/demo"), ("Contact Us", "/contact"), ("Webinar Registration", "/webinars/register"),
         ("Whitepaper Download", "/resources/whitepapers"), ("Newsletter Signup", "/blog"),
         ("New Platform Demo Request", "/products/new-platform/demo-request")]
REFERRERS = [None] * 5 + ["https://www.google.com/"] * 3 + ["https://www.linkedin.com/", "https://www.bing.com/",
                                                           SITE + "/", SITE + "/"]
QUERY_PARAMETERS = [None] * 7 + ["utm_source=linkedin&utm_medium=social", "utm_source=google&utm_medium=cpc",
                                 "utm_source=newsletter&utm_medium=email"]
# Units per 1 USD. The first ones are in currency_type (active); CHF is there but inactive, BRL without a rate, ZAR
# with a rate of 0, INR not at all: deals in those four have no usable rate (missing_currency_rate).
CURRENCY_RATES = {"EUR": 0.92, "GBP": 0.79, "CAD": 1.36, "AUD": 1.52, "JPY": 149.5}
UNRATED_CURRENCIES = {"CHF": 0.88, "INR": 83.2, "BRL": 5.05, "ZAR": 18.4}
