"""Phrase banks of the synthetic notices and partners (``synthetic.py``): category shares,
investment ranges, resource phrases, development plans, titles, names, partner kinds and skills.

Demo data, not rules: edit freely; the generator only draws from these tables.
"""

from __future__ import annotations

CATEGORY_SHARE: dict[str, int] = {
    "agri_processing": 16,
    "tourism_study": 13,
    "coop_farming": 20,
    "farm_stay": 12,
    "snack_street": 7,
    "industry_chain": 12,
    "demo_zone": 6,
    "medical_elderly_care": 8,
    "other": 6,
}

# (low, high) of the investment range in 万元, per category
INVESTMENT: dict[str, tuple[int, int]] = {
    "agri_processing": (100, 1000),
    "tourism_study": (50, 800),
    "coop_farming": (20, 300),
    "farm_stay": (10, 100),
    "snack_street": (20, 200),
    "industry_chain": (100, 2000),
    "demo_zone": (500, 5000),
    "medical_elderly_care": (200, 2000),
    "other": (10, 200),
}

CATEGORY_RESOURCES: dict[str, tuple[str, ...]] = {
    "agri_processing": ("collective_construction_land", "idle_building", "arable_land", "facility_farmland"),
    "tourism_study": ("idle_homestead", "idle_building", "cultural_heritage", "forest_land", "pond"),
    "coop_farming": ("arable_land", "facility_farmland", "garden_land", "pond"),
    "farm_stay": ("idle_homestead", "pond", "garden_land", "forest_land"),
    "snack_street": ("collective_construction_land", "idle_homestead", "cultural_heritage"),
    "industry_chain": ("arable_land", "collective_construction_land", "idle_building", "cultural_heritage"),
    "demo_zone": ("arable_land", "forest_land", "collective_construction_land", "idle_homestead", "pond"),
    "medical_elderly_care": ("idle_building", "collective_construction_land", "idle_homestead"),
    "other": ("arable_land", "idle_building", "other"),
}

RESOURCE_PHRASES: dict[str, tuple[tuple[str, str], ...]] = {
    # kind → (template, unit); {a} area, {n} count
    "arable_land": (
        ("村集体可统一流转连片耕地{a}亩，土壤肥沃、灌溉便利", "亩"),
        ("有闲置耕地{a}亩，已完成土地确权，可长期土地流转", "亩"),
        ("高标准农田{a}亩，机井、电力配套齐全", "亩"),
    ),
    "forest_land": (
        ("村北有林地{a}亩，以杨树、果木为主，适合林下经济", "亩"),
        ("沿河林地{a}亩，生态环境好，可发展露营和林下养殖", "亩"),
    ),
    "garden_land": (
        ("果园{a}亩，种植鸭梨、桃、苹果，进入盛果期", "亩"),
        ("园地{a}亩，适合采摘园和苗木花卉", "亩"),
    ),
    "pond": (
        ("坑塘水面{a}亩，水质良好，适合水产养殖和垂钓", "亩"),
        ("村内有闲置坑塘{a}亩，可改造为休闲垂钓园", "亩"),
    ),
    "facility_farmland": (
        ("设施农用地{a}亩，现有温室大棚{n}座", "亩"),
        ("冬暖式大棚{n}座，占地{a}亩，水电路配套", "亩"),
    ),
    "collective_construction_land": (
        ("集体经营性建设用地{a}亩，可用于建设加工车间和仓储", "亩"),
        ("村集体建设用地{a}亩，临近县道，适合建设冷链物流和分拣中心", "亩"),
    ),
    "idle_homestead": (
        ("闲置农房{n}处，建筑面积约{a}平方米，可改造为民宿", "平方米"),
        ("闲置宅基地{n}处，传统院落保存完好，适合发展民宿和农家乐", "平方米"),
    ),
    "idle_building": (
        ("原村小学闲置校舍{a}平方米，院落宽敞", "平方米"),
        ("闲置厂房{a}平方米，水电齐全，可直接投入使用", "平方米"),
    ),
    "cultural_heritage": (
        ("村里有省级非遗项目，传承人年事已高，急需年轻人接续", "项"),
        ("保留古村落、古井和老戏台，民俗文化资源丰富", "项"),
        ("传统手工艺有剪纸、黑陶、葫芦雕刻，有一定市场基础", "项"),
    ),
    "other": (("村集体可提供办公场所和劳动力组织服务", "项"),),
}

DEVELOPMENT: dict[str, tuple[str, ...]] = {
    "agri_processing": (
        "计划建设农产品深加工车间，开发预制菜、净菜和速冻食品",
        "发展粮食烘干、果蔬分拣、冷链仓储，延长农业产业链",
        "引进精深加工设备，打造地理标志农产品品牌，拓展农村电商渠道",
        "建设中央厨房和冷链物流中心，对接商超和社区团购",
    ),
    "tourism_study": (
        "依托古村落和非遗资源，打造乡村旅游和研学基地",
        "开发农耕文化研学旅行课程，建设亲子自然教育营地",
        "改造闲置农房发展精品民宿，串联周边景区形成文旅线路",
        "发展红色文化研学和民俗体验，举办乡村文化节",
    ),
    "coop_farming": (
        "依托村党支部领办合作社，发展规模化种植和统一管理",
        "建设高效设施农业示范基地，种植有机蔬菜和食用菌",
        "发展优质小麦、玉米良种繁育，推广智慧农业和社会化服务",
        "种植中药材和特色瓜果，合作社统一育苗、统一销售",
    ),
    "farm_stay": (
        "发展农家乐和休闲采摘，提供农家菜、垂钓、采摘一体化体验",
        "打造特色农家乐集群，开发周末亲子游和团建项目",
        "依托果园和坑塘发展采摘垂钓，配套农家餐饮和住宿",
    ),
    "snack_street": (
        "规划建设特色小吃街，集中展示本地烧饼、呱嗒等传统小吃",
        "打造夜市经济，引进特色小吃商户和文创摊位",
        "建设美食街区，发展地方特色餐饮和夜间消费",
    ),
    "industry_chain": (
        "围绕特色产业延链补链，发展葫芦雕刻、黑陶等文创产品",
        "打造阿胶、中药材种植加工销售全产业链",
        "发展肉牛、蛋鸡规模养殖和屠宰加工，形成养殖加工一体化产业链",
        "建设特色产业园，推动种植、加工、电商直播带货一体发展",
    ),
    "demo_zone": (
        "以片区为单位整体规划，建设乡村振兴示范片区",
        "统筹周边村庄资源，改善人居环境，发展田园综合体",
        "推进高标准农田、道路和水利基础设施建设，打造示范片区",
    ),
    "medical_elderly_care": (
        "利用闲置校舍建设医养中心，提供日间照料和医养结合服务",
        "发展互助养老和康养服务，建设康养基地",
        "建设乡镇医养结合养老服务中心，配备护理和康复设施",
    ),
    "other": (
        "发展村集体经济多元经营，欢迎各类合伙人洽谈合作",
        "发展光伏、物业和劳务服务，壮大村集体经济",
    ),
}

TITLES: dict[str, tuple[str, ...]] = {
    "agri_processing": ("农产品深加工项目", "预制菜加工车间项目", "果蔬冷链仓储项目", "粮食烘干中心项目"),
    "tourism_study": ("乡村旅游研学基地项目", "精品民宿改造项目", "非遗研学体验项目", "古村落文旅项目"),
    "coop_farming": ("合作社规模种植项目", "设施蔬菜基地项目", "食用菌种植项目", "中药材种植项目"),
    "farm_stay": ("农家乐采摘园项目", "休闲垂钓农家乐项目", "亲子农庄项目"),
    "snack_street": ("特色小吃街项目", "夜市美食街区项目"),
    "industry_chain": ("特色产业链项目", "葫芦文创产业项目", "规模养殖加工项目", "电商直播基地项目"),
    "demo_zone": ("乡村振兴示范片区项目", "田园综合体项目"),
    "medical_elderly_care": ("医养中心项目", "康养基地项目", "互助养老服务中心项目"),
    "other": ("村集体经济合作项目", "光伏发电合作项目"),
}

INTROS: tuple[str, ...] = (
    "本村位于{county}{direction}部，距县城{d}公里，交通便利",
    "{village}地处{county}黄河故道沿岸，生态环境良好",
    "本村紧邻国道，全村{h}户{p}人，村集体经济稳步发展",
    "{village}是{county}的农业大村，劳动力资源充足",
    "本村群众基础好，村两委班子团结，发展意愿强烈",
)

INCENTIVES: tuple[str, ...] = (
    "村集体以资源折价入股，实行保底收益加按股分红",
    "享受县级乡村振兴合伙人扶持政策，优先安排项目用地",
    "前三年租金减免，协助办理用地、环评和证照手续",
    "可申请乡村振兴衔接资金和贷款贴息",
    "镇村全程代办服务，配套道路、水电等基础设施",
)

DIRECTIONS = ("东", "西", "南", "北", "东南", "西北", "东北", "西南")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国伟强军平华明杰涛斌超磊鹏飞勇刚峰志红芳丽敏静燕霞玲娟秀英兰凤云洁海波宁东亮春"
VILLAGE_SUFFIX = ("庄", "楼", "屯", "集", "寨", "营", "店", "家", "堂", "桥", "口", "湾")
ORG_SUFFIX = (
    "农业科技有限公司",
    "食品有限公司",
    "文化旅游发展有限公司",
    "农业专业合作社",
    "健康产业有限公司",
    "投资管理有限公司",
)

# partner kind → (categories it leans to, capital range 万元 or None, organisation probability)
KIND_PROFILE: dict[str, tuple[tuple[str, ...], tuple[int, int] | None, float]] = {
    "entrepreneur": (
        ("agri_processing", "industry_chain", "tourism_study", "medical_elderly_care"),
        (100, 3000),
        0.7,
    ),
    "founder": (("farm_stay", "snack_street", "tourism_study", "agri_processing"), (10, 200), 0.2),
    "investor": (
        ("demo_zone", "industry_chain", "medical_elderly_care", "agri_processing"),
        (300, 5000),
        0.8,
    ),
    "expert": (("coop_farming", "agri_processing", "medical_elderly_care", "tourism_study"), None, 0.0),
    "startup_team": (("tourism_study", "snack_street", "industry_chain", "farm_stay"), (20, 300), 0.5),
    "large_grower": (("coop_farming", "agri_processing", "industry_chain"), (20, 500), 0.3),
    "rural_leader": (("coop_farming", "farm_stay", "snack_street", "other"), (10, 200), 0.2),
    "technician": (("coop_farming", "agri_processing", "industry_chain"), (0, 50), 0.0),
    "heritage_inheritor": (("industry_chain", "tourism_study", "snack_street"), (5, 80), 0.0),
}

KIND_SHARE: dict[str, int] = {
    "entrepreneur": 16,
    "founder": 18,
    "investor": 6,
    "expert": 8,
    "startup_team": 10,
    "large_grower": 16,
    "rural_leader": 12,
    "technician": 10,
    "heritage_inheritor": 4,
}

KIND_FORMS: dict[str, tuple[str, ...]] = {
    "entrepreneur": ("capital",),
    "founder": ("capital", "tech_equity"),
    "investor": ("capital",),
    "expert": ("professional_service", "tech_equity"),
    "startup_team": ("tech_equity", "capital"),
    "large_grower": ("capital", "tech_equity"),
    "rural_leader": ("capital", "professional_service"),
    "technician": ("tech_equity", "professional_service"),
    "heritage_inheritor": ("tech_equity", "professional_service"),
}

KIND_INTRO: dict[str, tuple[str, ...]] = {
    "entrepreneur": ("从事{field}行业{y}年，企业年营业额过亿元", "聊城籍在外企业家，经营{field}企业{y}年"),
    "founder": ("返乡创业青年，曾在城市从事{field}工作{y}年", "大学毕业后返乡创业，专注{field}"),
    "investor": ("金融投资从业{y}年，关注乡村振兴和{field}领域项目", "投资机构合伙人，重点布局{field}"),
    "expert": ("高校教授，长期研究{field}，主持省级课题多项", "农业科研院所研究员，专长{field}"),
    "startup_team": (
        "{n}人创业团队，成员来自电商、设计和{field}行业",
        "青年创业团队，擅长{field}和新媒体运营",
    ),
    "large_grower": ("种养大户，经营{field}基地{a}亩", "家庭农场主，从事{field}{y}年"),
    "rural_leader": ("农村致富带头人，带领乡亲发展{field}", "村党支部书记出身，领办合作社发展{field}"),
    "technician": ("技术能手，精通{field}技术，持有高级职业资格证书", "从事{field}技术服务{y}年"),
    "heritage_inheritor": ("市级非遗传承人，从事{field}{y}年", "非遗传承人，擅长{field}，带徒{n}人"),
}

CATEGORY_FIELDS: dict[str, tuple[str, ...]] = {
    "agri_processing": ("农产品加工", "预制菜", "冷链物流", "食品加工", "农村电商"),
    "tourism_study": ("乡村旅游", "研学旅行", "民宿运营", "文旅策划"),
    "coop_farming": ("设施蔬菜种植", "食用菌栽培", "粮食规模种植", "中药材种植", "智慧农业"),
    "farm_stay": ("农家乐经营", "休闲采摘", "餐饮管理"),
    "snack_street": ("特色小吃", "餐饮连锁", "夜市运营"),
    "industry_chain": ("葫芦雕刻", "黑陶制作", "阿胶加工", "肉牛养殖", "电商直播带货"),
    "demo_zone": ("乡村规划", "基础设施投资", "田园综合体开发"),
    "medical_elderly_care": ("养老服务", "医养结合", "康养产业", "康复护理"),
    "other": ("光伏发电", "物业管理", "劳务服务"),
}

SKILLS: dict[str, tuple[str, ...]] = {
    "agri_processing": ("预制菜研发", "冷链仓储", "食品安全管理", "包装设计", "电商销售", "烘干技术"),
    "tourism_study": ("研学课程设计", "民宿设计", "景区运营", "活动策划", "自然教育", "乡村旅游"),
    "coop_farming": ("土地流转", "大棚种植", "病虫害防治", "良种繁育", "测土配方施肥", "水肥一体化"),
    "farm_stay": ("农家菜", "采摘园管理", "垂钓园运营", "客房管理", "亲子活动"),
    "snack_street": ("特色小吃制作", "烧饼", "夜市招商", "美食街运营", "食品安全"),
    "industry_chain": ("葫芦雕刻", "黑陶", "剪纸", "品牌营销", "直播带货", "规模养殖"),
    "demo_zone": ("片区规划", "项目融资", "人居环境整治", "田园综合体"),
    "medical_elderly_care": ("养老护理", "康复理疗", "日间照料", "医养结合", "健康管理"),
    "other": ("光伏运维", "物业服务", "劳务组织"),
}

TRACK_RECORDS: tuple[str, ...] = (
    "曾在{place}建成{project}，带动{h}户群众增收",
    "参与{place}{project}建设运营，年利润{y}百万元",
    "主导的{project}获评市级示范项目",
    "已在{place}成功运营{project}{y}年",
)

PLACES = ("临沂", "潍坊", "寿光", "济南", "淄博", "泰安", "菏泽", "德州", "河北", "江苏", "浙江")
