"""The demo referral network: agencies in every region and the staff who log in to them.

Agency names follow the patterns of real institutions; NGO and international programme
names are made up, and every address and telephone number is invented.
"""

from dataclasses import dataclass, field

ALL_SERVICES = (
    "social_household", "social_medical", "social_psychological", "social_pedagogical",
    "social_labour", "social_cultural", "social_economic", "social_legal",
)  # fmt: skip


@dataclass(frozen=True)
class Place:
    """A region's administrative centre, with the forms of its name the agency names need."""

    iso_code: str
    slug: str  # in demo usernames: worker.almaty
    city_ru: str
    city_kk: str
    city_en: str
    region_genitive_ru: str  # "Департамент полиции <Акмолинской области>"
    region_kk: str  # "<Ақмола облысы> бойынша"
    region_en: str
    phone_code: str
    towns: tuple[str, ...]  # other localities, for persons and incidents
    weight: float  # share of the population, for where cases arise


PLACES = [
    Place("KZ-10", "semey", "Семей", "Семей", "Semey", "Абайской области", "Абай облысы",
          "Abai Region", "7222", ("Аягоз", "Курчатов"), 0.6),
    Place("KZ-11", "kokshetau", "Кокшетау", "Көкшетау", "Kokshetau", "Акмолинской области",
          "Ақмола облысы", "Akmola Region", "7162", ("Степногорск", "Щучинск"), 0.79),
    Place("KZ-15", "aktobe", "Актобе", "Ақтөбе", "Aktobe", "Актюбинской области",
          "Ақтөбе облысы", "Aktobe Region", "7132", ("Хромтау", "Кандыагаш"), 0.93),
    Place("KZ-19", "konaev", "Конаев", "Қонаев", "Konaev", "Алматинской области",
          "Алматы облысы", "Almaty Region", "72772", ("Каскелен", "Талгар", "Есик"), 1.5),
    Place("KZ-23", "atyrau", "Атырау", "Атырау", "Atyrau", "Атырауской области",
          "Атырау облысы", "Atyrau Region", "7122", ("Кульсары", "Макат"), 0.7),
    Place("KZ-27", "oral", "Уральск", "Орал", "Oral", "Западно-Казахстанской области",
          "Батыс Қазақстан облысы", "West Kazakhstan Region", "7112", ("Аксай", "Чингирлау"),
          0.69),
    Place("KZ-31", "taraz", "Тараз", "Тараз", "Taraz", "Жамбылской области", "Жамбыл облысы",
          "Zhambyl Region", "7262", ("Шу", "Каратау"), 1.2),
    Place("KZ-33", "taldykorgan", "Талдыкорган", "Талдықорған", "Taldykorgan",
          "области Жетісу", "Жетісу облысы", "Zhetisu Region", "7282", ("Текели", "Жаркент"),
          0.7),
    Place("KZ-35", "karaganda", "Караганда", "Қарағанды", "Karaganda",
          "Карагандинской области", "Қарағанды облысы", "Karaganda Region", "7212",
          ("Темиртау", "Балхаш", "Шахтинск"), 1.1),
    Place("KZ-39", "kostanay", "Костанай", "Қостанай", "Kostanay", "Костанайской области",
          "Қостанай облысы", "Kostanay Region", "7142", ("Рудный", "Лисаковск"), 0.83),
    Place("KZ-43", "kyzylorda", "Кызылорда", "Қызылорда", "Kyzylorda",
          "Кызылординской области", "Қызылорда облысы", "Kyzylorda Region", "7242",
          ("Казалинск", "Аральск"), 0.83),
    Place("KZ-47", "aktau", "Актау", "Ақтау", "Aktau", "Мангистауской области",
          "Маңғыстау облысы", "Mangystau Region", "7292", ("Жанаозен", "Форт-Шевченко"), 0.78),
    Place("KZ-55", "pavlodar", "Павлодар", "Павлодар", "Pavlodar", "Павлодарской области",
          "Павлодар облысы", "Pavlodar Region", "7182", ("Экибастуз", "Аксу"), 0.75),
    Place("KZ-59", "petropavl", "Петропавловск", "Петропавл", "Petropavl",
          "Северо-Казахстанской области", "Солтүстік Қазақстан облысы",
          "North Kazakhstan Region", "7152", ("Булаево", "Сергеевка"), 0.53),
    Place("KZ-61", "turkistan", "Туркестан", "Түркістан", "Turkistan", "Туркестанской области",
          "Түркістан облысы", "Turkistan Region", "72533", ("Кентау", "Сарыагаш", "Жетысай"),
          2.1),
    Place("KZ-62", "zhezkazgan", "Жезказган", "Жезқазған", "Zhezkazgan", "области Ұлытау",
          "Ұлытау облысы", "Ulytau Region", "7102", ("Сатпаев", "Каражал"), 0.22),
    Place("KZ-63", "oskemen", "Усть-Каменогорск", "Өскемен", "Oskemen",
          "Восточно-Казахстанской области", "Шығыс Қазақстан облысы", "East Kazakhstan Region",
          "7232", ("Риддер", "Алтай", "Шемонаиха"), 0.73),
    Place("KZ-71", "astana", "Астана", "Астана", "Astana", "города Астаны", "Астана қаласы",
          "Astana", "7172", (), 1.5),
    Place("KZ-75", "almaty", "Алматы", "Алматы", "Almaty", "города Алматы", "Алматы қаласы",
          "Almaty", "727", (), 2.3),
    Place("KZ-79", "shymkent", "Шымкент", "Шымкент", "Shymkent", "города Шымкента",
          "Шымкент қаласы", "Shymkent", "7252", (), 1.2),
]  # fmt: skip

PLACE_BY_ISO = {place.iso_code: place for place in PLACES}

STREETS = [
    "ул. Бейбітшілік", "ул. Тәуелсіздік", "пр. Республики", "ул. Мира", "ул. Школьная",
    "ул. Садовая", "ул. Желтоқсан", "ул. Наурыз", "ул. Алтын Дала", "ул. Жастар",
    "ул. Көктем", "ул. Бірлік", "ул. Строителей", "ул. Береговая", "ул. Молодёжная",
    "ул. Ақбұлақ", "ул. Шұғыла", "ул. Степная", "мкр. Самал", "мкр. Восток",
]  # fmt: skip

# Brand names for the made-up NGOs, in Kazakh with their Latin form.
NGO_NAMES = [
    ("Үміт-Жол", "Umit-Zhol"), ("Сенім Үйі", "Senim Uii"), ("Шаңырақ Қорғаны", "Shanyrak Korgany"),
    ("Жан-Шуақ", "Zhan-Shuak"), ("Ақ Тілек", "Ak Tilek"), ("Мейірім Алаңы", "Meirim Alany"),
    ("Жарық Есік", "Zharyk Esik"), ("Нұр Бастау", "Nur Bastau"), ("Таң Шолпаны", "Tan Sholpany"),
    ("Қамқор Қол", "Kamkor Kol"), ("Ана Алақаны", "Ana Alakany"),
    ("Шапағат Көмегі", "Shapagat Komegi"),
    ("Сәуле Жолы", "Saule Zholy"), ("Бірге Күшті", "Birge Kushti"), ("Жаңа Қадам", "Zhana Kadam"),
    ("Ашық Терезе", "Ashyk Tereze"), ("Арман Бағы", "Arman Bagy"), ("Құс Жолы", "Kus Zholy"),
]  # fmt: skip


@dataclass(frozen=True)
class Staff:
    username: str
    role: str


@dataclass(frozen=True)
class AgencySpec:
    kind: str
    iso_code: str
    name_kk: str
    name_ru: str
    name_en: str
    services: tuple[str, ...]
    owns_cases: frozenset[str] = frozenset()  # the grounds of the cases it opens
    staff: tuple[Staff, ...] = field(default=())

    @property
    def serves_trafficking(self) -> bool:
        return "trafficking" in self.owns_cases


# The 13 crisis centres serving victims of trafficking: two state, eleven NGO (DOMAIN.md).
TRAFFICKING_CENTRES = [
    ("KZ-75", True), ("KZ-35", True), ("KZ-71", False), ("KZ-79", False), ("KZ-19", False),
    ("KZ-61", False), ("KZ-63", False), ("KZ-55", False), ("KZ-15", False), ("KZ-23", False),
    ("KZ-47", False), ("KZ-39", False), ("KZ-31", False),
]  # fmt: skip

# Crisis centres for survivors of domestic violence: (region, state-run).
DV_CENTRES = [
    ("KZ-75", False), ("KZ-71", True), ("KZ-79", False), ("KZ-43", False), ("KZ-59", True),
    ("KZ-27", False), ("KZ-10", False), ("KZ-62", True),
]  # fmt: skip

# Labour and social-protection departments that take on cruel-treatment cases.
SOCIAL_DEPARTMENTS = ["KZ-75", "KZ-79", "KZ-35", "KZ-61"]

DV_CENTRE_SERVICES = (
    "social_household", "social_medical", "social_psychological", "social_pedagogical",
    "social_cultural", "social_legal",
)  # fmt: skip


def _crisis_staff(handle: str) -> tuple[Staff, ...]:
    return (
        Staff(f"worker.{handle}", "case_worker"),
        Staff(f"worker2.{handle}", "case_worker"),
        Staff(f"worker3.{handle}", "case_worker"),
        Staff(f"supervisor.{handle}", "supervisor"),
        Staff(f"admin.{handle}", "agency_admin"),
    )


def _trafficking_centre(iso: str, brand: tuple[str, str] | None) -> AgencySpec:
    """A state centre when `brand` is None, else an NGO centre of that name."""
    place = PLACE_BY_ISO[iso]
    if brand is None:
        kk = f"Адам саудасының құрбандарына арналған мемлекеттік дағдарыс орталығы, {place.city_kk}"
        ru = f"Государственный кризисный центр помощи жертвам торговли людьми, {place.city_ru}"
        en = f"State crisis centre for victims of human trafficking, {place.city_en}"
    else:
        kk = f"«{brand[0]}» адам саудасы құрбандарына көмек дағдарыс орталығы, {place.city_kk}"
        ru = f"Кризисный центр помощи жертвам торговли людьми «{brand[0]}», {place.city_ru}"
        en = f"“{brand[1]}” crisis centre for victims of human trafficking, {place.city_en}"
    return AgencySpec(
        kind="crisis_centre_state" if brand is None else "crisis_centre_ngo",
        iso_code=iso,
        name_kk=kk,
        name_ru=ru,
        name_en=en,
        # Victims of trafficking are owed the full guaranteed set of all eight types.
        services=ALL_SERVICES,
        owns_cases=frozenset({"trafficking", "domestic_violence", "cruel_treatment"}),
        staff=_crisis_staff(place.slug),
    )


def _dv_centre(iso: str, brand: tuple[str, str] | None) -> AgencySpec:
    """A state centre when `brand` is None, else an NGO centre of that name."""
    place = PLACE_BY_ISO[iso]
    handle = f"{place.slug}-dv"
    if brand is None:
        kk = (
            "Тұрмыстық зорлық-зомбылық құрбандарына арналған мемлекеттік дағдарыс орталығы, "
            + place.city_kk
        )
        ru = (
            "Государственный кризисный центр для пострадавших от бытового насилия, " + place.city_ru
        )
        en = f"State crisis centre for survivors of domestic violence, {place.city_en}"
    else:
        kk = (
            f"«{brand[0]}» тұрмыстық зорлық-зомбылықтан зардап шеккендерге дағдарыс орталығы, "
            + place.city_kk
        )
        ru = f"Кризисный центр для пострадавших от бытового насилия «{brand[0]}», {place.city_ru}"
        en = f"“{brand[1]}” crisis centre for survivors of domestic violence, {place.city_en}"
    return AgencySpec(
        kind="crisis_centre_state" if brand is None else "crisis_centre_ngo",
        iso_code=iso,
        name_kk=kk,
        name_ru=ru,
        name_en=en,
        services=DV_CENTRE_SERVICES,
        owns_cases=frozenset({"domestic_violence", "cruel_treatment"}),
        staff=_crisis_staff(handle),
    )


def _police(place: Place) -> AgencySpec:
    return AgencySpec(
        kind="police",
        iso_code=place.iso_code,
        name_kk=f"{place.region_kk} бойынша Полиция департаменті",
        name_ru=f"Департамент полиции {place.region_genitive_ru}",
        name_en=f"Police Department of {place.region_en}",
        # Police help restore documents and explain rights and protective orders.
        services=("social_legal",),
        owns_cases=frozenset({"trafficking", "domestic_violence", "cruel_treatment"}),
        staff=(
            Staff(f"police.{place.slug}", "case_worker"),
            Staff(f"police2.{place.slug}", "case_worker"),
            Staff(f"police-chief.{place.slug}", "supervisor"),
        ),
    )


def _social_department(iso: str) -> AgencySpec:
    place = PLACE_BY_ISO[iso]
    return AgencySpec(
        kind="social_protection",
        iso_code=iso,
        name_kk=f"{place.region_kk} жұмыспен қамту және әлеуметтік бағдарламалар басқармасы",
        name_ru=f"Управление занятости и социальных программ {place.region_genitive_ru}",
        name_en=f"Department of Employment and Social Programmes, {place.region_en}",
        services=("social_household", "social_labour", "social_economic", "social_legal"),
        owns_cases=frozenset({"cruel_treatment", "domestic_violence"}),
        staff=(
            Staff(f"social.{place.slug}", "case_worker"),
            Staff(f"social2.{place.slug}", "case_worker"),
            Staff(f"social-head.{place.slug}", "supervisor"),
        ),
    )


def _single(
    kind: str,
    iso: str,
    names: tuple[str, str, str],
    services: tuple[str, ...],
    staff: tuple[Staff, ...],
) -> AgencySpec:
    return AgencySpec(kind, iso, *names, services=services, staff=staff)


def _other_agencies() -> list[AgencySpec]:
    ala, ast, shy = PLACE_BY_ISO["KZ-75"], PLACE_BY_ISO["KZ-71"], PLACE_BY_ISO["KZ-79"]
    specs = [
        _single(
            "social_protection", "KZ-71",
            ("Еңбек және халықты әлеуметтік қорғау министрлігі (демо)",
             "Министерство труда и социальной защиты населения (демо)",
             "Ministry of Labour and Social Protection (demo)"),
            ("social_labour", "social_economic"),
            (Staff("analyst", "national_analyst"), Staff("sysadmin", "system_admin"),
             Staff("auditor", "auditor")),
        ),
        _single(
            "contact_centre_111", "KZ-71",
            ("Отбасы, әйелдер және балалар құқықтары мәселелері жөніндегі 111 байланыс орталығы",
             "Контакт-центр 111 по вопросам семьи, женщин и защиты прав детей",
             "Contact centre 111 for family, women's and children's rights"),
            ("social_psychological", "social_legal"),
            (Staff("operator.111", "case_worker"), Staff("operator2.111", "case_worker")),
        ),
    ]  # fmt: skip
    for place in (ala, ast, shy):
        specs.append(
            _single(
                "akimat", place.iso_code,
                (f"{place.region_kk} әкімдігі", f"Акимат {place.region_genitive_ru}",
                 f"Akimat of {place.region_en}"),
                ("social_economic", "social_household"),
                (Staff(f"coordinator.{place.slug}", "regional_coordinator"),),
            )
        )  # fmt: skip
    for number, place in ((12, ala), (4, ast)):
        specs.append(
            _single(
                "health", place.iso_code,
                (f"№ {number} қалалық емхана, {place.city_kk}",
                 f"Городская поликлиника № {number}, {place.city_ru}",
                 f"City polyclinic No. {number}, {place.city_en}"),
                ("social_medical", "social_psychological"),
                (Staff(f"health.{place.slug}", "case_worker"),),
            )
        )  # fmt: skip
    for number, place in ((31, ala), (7, shy)):
        specs.append(
            _single(
                "education", place.iso_code,
                (f"№ {number} мектеп-гимназия, {place.city_kk}",
                 f"Школа-гимназия № {number}, {place.city_ru}",
                 f"School-gymnasium No. {number}, {place.city_en}"),
                ("social_pedagogical", "social_psychological"),
                (Staff(f"school.{place.slug}", "case_worker"),),
            )
        )  # fmt: skip
    for place in (ala, ast):
        specs.append(
            _single(
                "prosecutor", place.iso_code,
                (f"{place.region_kk} прокуратурасы", f"Прокуратура {place.region_genitive_ru}",
                 f"Prosecutor's Office of {place.region_en}"),
                ("social_legal",),
                (Staff(f"prosecutor.{place.slug}", "case_worker"),),
            )
        )  # fmt: skip
        specs.append(
            _single(
                "court", place.iso_code,
                (f"{place.region_kk} қылмыстық істер жөніндегі мамандандырылған ауданаралық соты",
                 f"Специализированный межрайонный суд по уголовным делам "
                 f"{place.region_genitive_ru}",
                 f"Specialised Inter-District Criminal Court of {place.region_en}"),
                ("social_legal",),
                (Staff(f"court.{place.slug}", "case_worker"),),
            )
        )  # fmt: skip
    kar = PLACE_BY_ISO["KZ-35"]
    specs += [
        _single(
            "ngo", ala.iso_code,
            ("«Құқық Көпірі» қоғамдық қоры (заң көмегі)",
             "Общественный фонд «Құқық Көпірі» (правовая помощь)",
             "“Kukyk Kopiri” public foundation (legal aid)"),
            ("social_legal", "social_psychological", "social_cultural"),
            (Staff(f"ngo.{ala.slug}", "case_worker"),),
        ),
        _single(
            "ngo", kar.iso_code,
            ("«Еңбек Жолы» қоғамдық бірлестігі (еңбек мигранттарына көмек)",
             "Общественное объединение «Еңбек Жолы» (помощь трудовым мигрантам)",
             "“Enbek Zholy” association (help for labour migrants)"),
            ("social_labour", "social_legal", "social_economic"),
            (Staff(f"ngo.{kar.slug}", "case_worker"),),
        ),
        _single(
            "international", ala.iso_code,
            ("«Қауіпсіз көші-қон» халықаралық бағдарламасының өңірлік бюросы (демо)",
             "Региональное бюро международной программы «Безопасная миграция» (демо)",
             "Regional office of the international programme “Safe Migration” (demo)"),
            ("social_legal", "social_economic", "social_labour"),
            (Staff(f"intl.{ala.slug}", "case_worker"),),
        ),
        _single(
            "international", ast.iso_code,
            ("«Әділ Қорғау» халықаралық құқық қорғау миссиясы (демо)",
             "Международная правозащитная миссия «Справедливая защита» (демо)",
             "International human rights mission “Fair Protection” (demo)"),
            ("social_legal", "social_psychological"),
            (Staff(f"intl.{ast.slug}", "case_worker"),),
        ),
        _single(
            "embassy", ala.iso_code,
            ("Өзбекстан Республикасының Алматы қаласындағы Бас консулдығы",
             "Генеральное консульство Республики Узбекистан в городе Алматы",
             "Consulate General of the Republic of Uzbekistan in Almaty"),
            ("social_legal",),
            (Staff(f"consul.{ala.slug}", "case_worker"),),
        ),
        _single(
            "embassy", ast.iso_code,
            ("Қырғыз Республикасының Қазақстан Республикасындағы Елшілігі",
             "Посольство Кыргызской Республики в Республике Казахстан",
             "Embassy of the Kyrgyz Republic in the Republic of Kazakhstan"),
            ("social_legal",),
            (Staff(f"consul.{ast.slug}", "case_worker"),),
        ),
    ]  # fmt: skip
    return specs


def agency_specs() -> list[AgencySpec]:
    """Every demo agency, in a fixed order (the generator's random draws depend on it)."""
    brands = iter(NGO_NAMES)
    specs = [_police(place) for place in PLACES]
    specs += [
        _trafficking_centre(iso, None if state else next(brands))
        for iso, state in TRAFFICKING_CENTRES
    ]
    specs += [_dv_centre(iso, None if state else next(brands)) for iso, state in DV_CENTRES]
    specs += [_social_department(iso) for iso in SOCIAL_DEPARTMENTS]
    specs += _other_agencies()
    return specs


# The log-ins the command prints: one or more of every role, where cases are to be seen.
FEATURED_USERNAMES = [
    "worker.almaty", "supervisor.almaty", "admin.almaty", "worker.almaty-dv", "police.almaty",
    "worker.astana", "supervisor.astana-dv", "police.astana", "worker.shymkent",
    "police.shymkent", "social.almaty", "operator.111", "coordinator.almaty",
    "coordinator.astana", "analyst", "sysadmin", "auditor",
]  # fmt: skip


def all_usernames(specs: list[AgencySpec]) -> list[str]:
    return [staff.username for spec in specs for staff in spec.staff]
